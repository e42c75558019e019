import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  // Docker images ship the standalone server (NEXT_OUTPUT_STANDALONE=1 in docker/cms-frontend.Dockerfile);
  // `npm start` and the e2e test run `next start`, which refuses a standalone build.
  ...(process.env.NEXT_OUTPUT_STANDALONE === '1' ? { output: 'standalone' as const } : {}),
  reactStrictMode: true,
  // The dev-mode badge would show up in the e2e screenshots.
  devIndicators: false,
  transpilePackages: ['@trading/shared-types'],
};

export default nextConfig;

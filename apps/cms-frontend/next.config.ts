import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  output: 'standalone',
  reactStrictMode: true,
  // The dev-mode badge would show up in the e2e screenshots.
  devIndicators: false,
  transpilePackages: ['@trading/shared-types'],
};

export default nextConfig;

'use client';
/**
 * Resolver for the whole-file $refs of strategy config schemas. The schema bundle is loaded on demand (dynamic
 * import) so it stays out of every page's first-load JavaScript.
 */
import { useQuery } from '@tanstack/react-query';
import { resolverFrom, type RefResolver } from '@/lib/schema-form';

export function useSchemaResolver(): RefResolver | null {
  const { data } = useQuery({
    queryKey: ['schema-resolver'],
    queryFn: async () => {
      const { SCHEMAS } = await import('@trading/shared-types/browser');
      return { resolve: resolverFrom(SCHEMAS) };
    },
    staleTime: Infinity,
  });
  return data?.resolve ?? null;
}

'use client';
/** Runtime configuration handed from the server layout to client components (the backend URL). */
import { createContext, useContext, type ReactNode } from 'react';

const ApiUrlContext = createContext('http://localhost:3001');

export function ApiUrlProvider({ value, children }: { value: string; children: ReactNode }) {
  return <ApiUrlContext value={value}>{children}</ApiUrlContext>;
}

export function useApiUrl(): string {
  return useContext(ApiUrlContext);
}

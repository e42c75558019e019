/** Public entry of the generic matcher (see order-book.ts for the API). */
export * from './order-book.js';

/** Placeholder entry: this app is built by its own issue. */
export const APP_READY = false;

/** Fills the {placeholders} of channel, queue and key names from generated constants. */
export function formatName(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_match, key: string) => {
    const value = values[key];
    if (value === undefined || value === '') throw new Error(`formatName: no value for {${key}} in "${template}"`);
    if (/[\s{}]/.test(value)) throw new Error(`formatName: value for {${key}} has whitespace or braces: "${value}"`);
    return value;
  });
}

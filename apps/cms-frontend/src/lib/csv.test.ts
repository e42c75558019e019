import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from './csv.js';

interface Row {
  id: string;
  name: string;
  price: string;
  qty: number | null;
}

describe('toCsv', () => {
  const columns = [
    { header: 'id', value: (r: Row) => r.id },
    { header: 'name', value: (r: Row) => r.name },
    { header: 'price', value: (r: Row) => r.price },
    { header: 'qty', value: (r: Row) => r.qty },
  ];
  it('writes a header and CRLF rows, keeping decimal strings exact', () => {
    const csv = toCsv(columns, [{ id: 'a', name: 'x', price: '0.10000000000000000001', qty: 3 }]);
    expect(csv).toBe('id,name,price,qty\r\na,x,0.10000000000000000001,3\r\n');
  });
  it('quotes commas, quotes and newlines', () => {
    const csv = toCsv(columns, [{ id: 'b', name: 'he said "hi", then\nleft', price: '-1.5', qty: null }]);
    expect(csv.split('\r\n')[1]).toBe('b,"he said ""hi"", then\nleft",-1.5,');
  });
  it('neutralises formula injection but keeps negative numbers', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('+1+1')).toBe("'+1+1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('-12.5')).toBe('-12.5');
  });
  it('writes only the header for no rows', () => {
    expect(toCsv(columns, [])).toBe('id,name,price,qty\r\n');
  });
});

// RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF) into rows, for showing a CSV artifact
// as a table. Capped: a preview, not a spreadsheet.
export interface CsvPreview {
  rows: string[][];
  truncated: boolean;
}

export function parseCsv(text: string, maxRows = 500): CsvPreview {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"';
        index++;
      } else if (char === '"') {
        quoted = false;
      } else {
        field += char;
      }
    } else if (char === '"' && field === "") {
      quoted = true;
    } else if (char === ",") {
      row.push(field);
      field = "";
    } else if (char === "\n" || char === "\r") {
      if (char === "\r" && text[index + 1] === "\n") index++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      if (rows.length > maxRows) return { rows: rows.slice(0, maxRows), truncated: true };
    } else {
      field += char;
    }
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return { rows, truncated: false };
}

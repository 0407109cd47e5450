import { parseCsv } from "@/lib/artifacts/parse-csv";

/** A CSV artifact as a scrollable table: the first row is the header. */
export function CsvTable({ text }: { text: string }) {
  const { rows, truncated } = parseCsv(text);
  const [header, ...body] = rows;
  if (!header) return <p className="px-4 py-3 text-sm text-slate-600">This file is empty.</p>;
  return (
    <div className="overflow-x-auto">
      <table className="min-w-full text-sm" data-testid="csv-table">
        <thead className="bg-slate-50">
          <tr>
            {header.map((cell, index) => (
              <th key={index} scope="col" className="border-b border-slate-200 px-3 py-2 text-left font-semibold whitespace-nowrap text-slate-700">
                {cell}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {body.map((row, rowIndex) => (
            <tr key={rowIndex} className="even:bg-slate-50/60">
              {row.map((cell, cellIndex) => (
                <td key={cellIndex} className="border-b border-slate-100 px-3 py-1.5 align-top whitespace-pre-wrap text-slate-800">
                  {cell}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {truncated && <p className="px-4 py-2 text-xs text-slate-500">Showing the first rows; download the file for all of it.</p>}
    </div>
  );
}

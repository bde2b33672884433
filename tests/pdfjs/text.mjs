// Prints the text of each PDF named on the command line as pdf.js extracts it
// (Firefox's viewer and the web document systems agencies use): no
// /ActualText, only the fonts' ToUnicode maps. Pages end with a form feed, files
// with a NUL line, so one node process serves many PDFs.
import fs from 'fs';
import path from 'path';
import { fileURLToPath, pathToFileURL } from 'url';
const here = path.dirname(fileURLToPath(import.meta.url));
const { getDocument } = await import(
  pathToFileURL(path.join(here, 'node_modules/pdfjs-dist/legacy/build/pdf.mjs')).href
);
for (const file of process.argv.slice(2)) {
  const doc = await getDocument({ data: new Uint8Array(fs.readFileSync(file)), verbosity: 0 }).promise;
  for (let i = 1; i <= doc.numPages; i++) {
    const items = (await (await doc.getPage(i)).getTextContent()).items;
    process.stdout.write(items.map(t => t.str + (t.hasEOL ? '\n' : '')).join('') + '\n\f');
  }
  process.stdout.write('\0\n');
}

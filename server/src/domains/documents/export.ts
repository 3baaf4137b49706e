import { existsSync, readFileSync } from 'node:fs';
import type { ExportFormat } from '@zhibu/shared';
import {
  AlignmentType,
  Document,
  HeadingLevel,
  LevelFormat,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';
import PDFDocument from 'pdfkit';
import { AppError } from '../../http/app-error.js';
import type { Block, Run } from './content.js';

export interface ExportFile {
  body: Buffer;
  contentType: string;
  extension: string;
}

// ---------- Markdown ----------

function mdRuns(runs: Run[]): string {
  return runs
    .map((r) => {
      if (r.text === '\n') return '  \n';
      let t = r.text.replace(/([\\`*_[\]#|])/g, '\\$1');
      if (r.code) t = `\`${r.text}\``;
      if (r.bold) t = `**${t}**`;
      if (r.italic) t = `*${t}*`;
      if (r.strikethrough) t = `~~${t}~~`;
      return t;
    })
    .join('');
}

export function toMarkdown(title: string, blocks: Block[]): string {
  const lines: string[] = [];
  let previous: Block['type'] | null = null;
  for (const block of blocks) {
    if (previous === 'listitem' && block.type !== 'listitem') lines.push('');
    switch (block.type) {
      case 'heading':
        lines.push(`${'#'.repeat(Math.min(block.level, 6))} ${mdRuns(block.runs)}`, '');
        break;
      case 'paragraph':
        lines.push(mdRuns(block.runs), '');
        break;
      case 'quote':
        lines.push(`> ${mdRuns(block.runs)}`, '');
        break;
      case 'listitem':
        lines.push(
          `${'  '.repeat(block.depth)}${block.ordered ? `${block.index}.` : '-'} ${mdRuns(block.runs)}`,
        );
        break;
      case 'table': {
        const [head, ...rest] = block.rows;
        if (!head) break;
        const row = (cells: Run[][]) => `| ${cells.map((c) => mdRuns(c).replace(/\n/g, ' ')).join(' | ')} |`;
        lines.push(row(head), `| ${head.map(() => '---').join(' | ')} |`, ...rest.map(row), '');
        break;
      }
    }
    previous = block.type;
  }
  const body = lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return blocks.length === 0 ? `# ${title}\n` : `${body}\n`;
}

// ---------- .docx ----------

const HEADINGS = [
  HeadingLevel.HEADING_1,
  HeadingLevel.HEADING_2,
  HeadingLevel.HEADING_3,
  HeadingLevel.HEADING_4,
  HeadingLevel.HEADING_5,
  HeadingLevel.HEADING_6,
] as const;

const docxRuns = (runs: Run[]) =>
  runs.map((r) =>
    r.text === '\n'
      ? new TextRun({ break: 1 })
      : new TextRun({
          text: r.text,
          bold: r.bold,
          italics: r.italic,
          strike: r.strikethrough,
          underline: r.underline ? {} : undefined,
          font: r.code ? 'Consolas' : undefined,
        }),
  );

export async function toDocx(title: string, blocks: Block[]): Promise<Buffer> {
  const children: (Paragraph | Table)[] = [];
  for (const block of blocks) {
    if (block.type === 'heading') {
      children.push(
        new Paragraph({ heading: HEADINGS[Math.min(block.level, 6) - 1], children: docxRuns(block.runs) }),
      );
    } else if (block.type === 'listitem') {
      children.push(
        new Paragraph({
          children: docxRuns(block.runs),
          numbering: { reference: block.ordered ? 'ordered' : 'bullets', level: Math.min(block.depth, 8) },
        }),
      );
    } else if (block.type === 'table') {
      children.push(
        new Table({
          width: { size: 100, type: WidthType.PERCENTAGE },
          rows: block.rows.map(
            (cells) =>
              new TableRow({
                children: cells.map(
                  (c) => new TableCell({ children: [new Paragraph({ children: docxRuns(c) })] }),
                ),
              }),
          ),
        }),
      );
    } else {
      children.push(new Paragraph({ children: docxRuns(block.runs) }));
    }
  }
  const levels = (format: (typeof LevelFormat)[keyof typeof LevelFormat], text: (i: number) => string) =>
    Array.from({ length: 9 }, (_, level) => ({
      level,
      format,
      text: text(level),
      alignment: AlignmentType.START,
      style: { paragraph: { indent: { left: 720 * (level + 1), hanging: 360 } } },
    }));
  const document = new Document({
    title,
    creator: 'Zhibu 云支部',
    styles: { default: { document: { run: { font: { eastAsia: 'SimSun', ascii: 'Calibri' } } } } },
    numbering: {
      config: [
        { reference: 'bullets', levels: levels(LevelFormat.BULLET, () => '•') },
        { reference: 'ordered', levels: levels(LevelFormat.DECIMAL, (l) => `%${l + 1}.`) },
      ],
    },
    sections: [{ children }],
  });
  return Packer.toBuffer(document);
}

// ---------- PDF ----------

let fontCache: { path: string; data: Buffer } | null = null;

/** Reads the CJK font once; a clear error when it is not installed (fonts-noto-cjk on Debian). */
function cjkFont(path: string): Buffer {
  if (fontCache?.path === path) return fontCache.data;
  if (!existsSync(path)) {
    throw new AppError(
      'EXPORT_FONT_MISSING',
      `No CJK font at ${path}: install fonts-noto-cjk or set PDF_CJK_FONT_PATH to a font with Chinese glyphs`,
    );
  }
  fontCache = { path, data: readFileSync(path) };
  return fontCache.data;
}

const PDF_SIZES = [22, 18, 15, 13, 12, 11];

export function toPdf(title: string, blocks: Block[], fontPath: string): Promise<Buffer> {
  const font = cjkFont(fontPath);
  return new Promise((resolve, reject) => {
    const pdf = new PDFDocument({ size: 'A4', margin: 56, info: { Title: title, Creator: 'Zhibu 云支部' } });
    const chunks: Buffer[] = [];
    pdf.on('data', (c: Buffer) => chunks.push(c));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
    // A .ttc holds several faces: take the Simplified Chinese one by its PostScript name.
    if (fontPath.toLowerCase().endsWith('.ttc')) pdf.registerFont('cjk', font, 'NotoSansCJKsc-Regular');
    else pdf.registerFont('cjk', font);
    pdf.font('cjk');
    const text = (runs: Run[]) => runs.map((r) => r.text).join('');
    for (const block of blocks) {
      if (block.type === 'heading') {
        pdf
          .moveDown(0.4)
          .fontSize(PDF_SIZES[Math.min(block.level, 6) - 1] ?? 12)
          .text(text(block.runs));
        pdf.moveDown(0.2);
      } else if (block.type === 'listitem') {
        const marker = block.ordered ? `${block.index}.` : '•';
        pdf.fontSize(11).text(`${marker} ${text(block.runs)}`, { indent: 16 * (block.depth + 1) });
      } else if (block.type === 'table') {
        for (const row of block.rows) pdf.fontSize(11).text(row.map(text).join('  |  '));
        pdf.moveDown(0.3);
      } else {
        pdf.fontSize(11).text(text(block.runs) || ' ');
        pdf.moveDown(0.2);
      }
    }
    pdf.end();
  });
}

export async function exportDocument(
  format: ExportFormat,
  title: string,
  blocks: Block[],
  fontPath: string,
): Promise<ExportFile> {
  switch (format) {
    case 'md':
      return {
        body: Buffer.from(toMarkdown(title, blocks)),
        contentType: 'text/markdown; charset=utf-8',
        extension: 'md',
      };
    case 'docx':
      return {
        body: await toDocx(title, blocks),
        contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        extension: 'docx',
      };
    case 'pdf':
      return { body: await toPdf(title, blocks, fontPath), contentType: 'application/pdf', extension: 'pdf' };
  }
}

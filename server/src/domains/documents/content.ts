import { LEXICAL_ROOT } from '@zhibu/shared';
import * as Y from 'yjs';

/*
 * The Y.Doc layout @lexical/yjs 0.52 (binding v1) reads and writes, and which the server must produce for
 * templates and read for plain text and exports:
 * - `doc.get('root', Y.XmlText)` is the root element node.
 * - an element child (paragraph, heading, list, listitem, table…) is an embedded Y.XmlText whose attributes
 *   hold the node's properties (`__type`, `__tag` for headings, `__listType` for lists…);
 * - a text node is an embedded Y.Map (`__type: 'text'`, `__format`, `__style`, `__mode`, `__detail`)
 *   immediately followed by the node's characters as plain text in the parent XmlText;
 * - a line break is an embedded Y.Map with `__type: 'linebreak'`.
 */

export const TEXT_FORMAT = { bold: 1, italic: 2, strikethrough: 4, underline: 8, code: 16 } as const;

export interface Run {
  text: string;
  bold: boolean;
  italic: boolean;
  underline: boolean;
  strikethrough: boolean;
  code: boolean;
}

export type Block =
  | { type: 'heading'; level: number; runs: Run[] }
  | { type: 'paragraph'; runs: Run[] }
  | { type: 'quote'; runs: Run[] }
  | { type: 'listitem'; ordered: boolean; depth: number; index: number; runs: Run[] }
  | { type: 'table'; rows: Run[][][] };

// ---------- writing (server-side templates) ----------

export type TemplateNode =
  | { type: 'heading'; tag: 'h1' | 'h2' | 'h3'; text: string }
  | { type: 'paragraph'; text: string; bold?: boolean };

function appendText(parent: Y.XmlText, text: string, format: number): void {
  if (text === '') return;
  const map = new Y.Map<unknown>();
  const offset = parent.length;
  parent.insertEmbed(offset, map);
  map.set('__type', 'text');
  map.set('__format', format);
  map.set('__style', '');
  map.set('__mode', 0);
  map.set('__detail', 0);
  parent.insert(offset + 1, text);
}

function appendElement(parent: Y.XmlText, attributes: Record<string, string | number>): Y.XmlText {
  const element = new Y.XmlText();
  parent.insertEmbed(parent.length, element);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value as string);
  return element;
}

/** Writes nodes at the end of the document's root, in one transaction. */
export function writeNodes(doc: Y.Doc, nodes: TemplateNode[], origin: unknown = null): void {
  const root = doc.get(LEXICAL_ROOT, Y.XmlText);
  doc.transact(() => {
    for (const node of nodes) {
      const base = { __format: 0, __indent: 0, __dir: 'ltr' };
      if (node.type === 'heading') {
        const element = appendElement(root, { ...base, __type: 'heading', __tag: node.tag });
        appendText(element, node.text, 0);
      } else {
        const element = appendElement(root, { ...base, __type: 'paragraph' });
        appendText(element, node.text, node.bold ? TEXT_FORMAT.bold : 0);
      }
    }
  }, origin);
}

/** The minutes template (会议记录): 时间、地点、主持人、记录人、应到/实到/缺席、议程、内容、决议. */
export function minutesTemplate(title: string): TemplateNode[] {
  return [
    { type: 'heading', tag: 'h1', text: title },
    { type: 'paragraph', text: '时间：' },
    { type: 'paragraph', text: '地点：' },
    { type: 'paragraph', text: '主持人：' },
    { type: 'paragraph', text: '记录人：' },
    { type: 'paragraph', text: '应到人数：    实到人数：    缺席人员及原因：' },
    { type: 'heading', tag: 'h2', text: '议程' },
    { type: 'paragraph', text: '' },
    { type: 'heading', tag: 'h2', text: '会议内容' },
    { type: 'paragraph', text: '' },
    { type: 'heading', tag: 'h2', text: '决议' },
    { type: 'paragraph', text: '' },
  ];
}

export function reflectionTemplate(title: string): TemplateNode[] {
  return [
    { type: 'heading', tag: 'h1', text: title },
    { type: 'paragraph', text: '' },
  ];
}

/** A template as one Yjs update, made on a throwaway doc. */
export function templateUpdate(nodes: TemplateNode[]): Uint8Array {
  const doc = new Y.Doc();
  writeNodes(doc, nodes);
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return update;
}

// ---------- reading (plain text, exports) ----------

function runOf(text: string, format: number): Run {
  return {
    text,
    bold: (format & TEXT_FORMAT.bold) !== 0,
    italic: (format & TEXT_FORMAT.italic) !== 0,
    underline: (format & TEXT_FORMAT.underline) !== 0,
    strikethrough: (format & TEXT_FORMAT.strikethrough) !== 0,
    code: (format & TEXT_FORMAT.code) !== 0,
  };
}

const attr = (type: Y.XmlText, key: string): unknown => type.getAttribute(key);

/** The inline content of an element: its text runs (line breaks become "\n"). */
function runsOf(element: Y.XmlText): Run[] {
  const runs: Run[] = [];
  let format = 0;
  for (const op of element.toDelta() as { insert: unknown }[]) {
    if (typeof op.insert === 'string') {
      runs.push(runOf(op.insert, format));
    } else if (op.insert instanceof Y.Map) {
      const kind = op.insert.get('__type');
      if (kind === 'linebreak') runs.push(runOf('\n', 0));
      const f = op.insert.get('__format');
      format = typeof f === 'number' ? f : 0;
    } else if (op.insert instanceof Y.XmlText) {
      // An inline element (a link): its text belongs to this paragraph.
      runs.push(...runsOf(op.insert));
    }
  }
  return runs;
}

function childElements(element: Y.XmlText): Y.XmlText[] {
  const out: Y.XmlText[] = [];
  for (const op of element.toDelta() as { insert: unknown }[]) {
    if (op.insert instanceof Y.XmlText) out.push(op.insert);
  }
  return out;
}

function listBlocks(list: Y.XmlText, depth: number, out: Block[]): void {
  const ordered = attr(list, '__listType') === 'number';
  let index = Number(attr(list, '__start') ?? 1) || 1;
  for (const item of childElements(list)) {
    const nested = childElements(item).filter((c) => attr(c, '__type') === 'list');
    const runs = runsOf(item).filter((r) => r.text !== '');
    if (nested.length === 0 || runs.length > 0) {
      out.push({ type: 'listitem', ordered, depth, index, runs });
      index += 1;
    }
    for (const sub of nested) listBlocks(sub, depth + 1, out);
  }
}

function tableBlock(table: Y.XmlText): Block {
  const rows = childElements(table).map((row) =>
    childElements(row).map((cell) => childElements(cell).flatMap((p) => runsOf(p))),
  );
  return { type: 'table', rows };
}

/** Reads the document into blocks, in order. Unknown element types are read as paragraphs. */
export function readBlocks(doc: Y.Doc): Block[] {
  const root = doc.get(LEXICAL_ROOT, Y.XmlText);
  const blocks: Block[] = [];
  for (const element of childElements(root)) {
    const type = attr(element, '__type');
    if (type === 'heading') {
      const tag = String(attr(element, '__tag') ?? 'h1');
      blocks.push({ type: 'heading', level: Number(tag.slice(1)) || 1, runs: runsOf(element) });
    } else if (type === 'list') {
      listBlocks(element, 0, blocks);
    } else if (type === 'table') {
      blocks.push(tableBlock(element));
    } else if (type === 'quote') {
      blocks.push({ type: 'quote', runs: runsOf(element) });
    } else {
      blocks.push({ type: 'paragraph', runs: runsOf(element) });
    }
  }
  return blocks;
}

const joinRuns = (runs: Run[]) => runs.map((r) => r.text).join('');

/** The document's plain text: one line per block, table cells separated by tabs. */
export function plainText(blocks: Block[]): string {
  return blocks
    .map((b) =>
      b.type === 'table' ? b.rows.map((r) => r.map(joinRuns).join('\t')).join('\n') : joinRuns(b.runs),
    )
    .join('\n');
}

export function plainTextOfState(state: Uint8Array): string {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, state);
  const text = plainText(readBlocks(doc));
  doc.destroy();
  return text;
}

// ---------- restoring a version as a forward edit ----------

function cloneValue(value: unknown): unknown {
  if (value instanceof Y.XmlText) return cloneXmlText(value);
  if (value instanceof Y.Map) {
    const map = new Y.Map<unknown>();
    for (const [k, v] of value.entries()) map.set(k, cloneValue(v));
    return map;
  }
  if (value instanceof Y.XmlElement || value instanceof Y.Array || value instanceof Y.Text)
    return value.clone();
  return value;
}

/** A deep, unintegrated copy of an element: attributes (maps included), text and embedded children. */
function cloneXmlText(source: Y.XmlText): Y.XmlText {
  const copy = new Y.XmlText();
  const delta = (source.toDelta() as { insert: unknown; attributes?: Record<string, unknown> }[]).map(
    (op) => ({
      insert: typeof op.insert === 'string' ? op.insert : cloneValue(op.insert),
      ...(op.attributes ? { attributes: op.attributes } : {}),
    }),
  );
  copy.applyDelta(delta);
  for (const [key, value] of Object.entries(source.getAttributes())) {
    copy.setAttribute(key, cloneValue(value) as string);
  }
  return copy;
}

/**
 * Replaces the content of `target`'s root with the content of `state`, as ordinary edits on top of the
 * current state: every client converges to the restored content, and the history stays intact.
 */
export function replaceContent(target: Y.Doc, state: Uint8Array, origin: unknown): void {
  const source = new Y.Doc();
  Y.applyUpdate(source, state);
  const from = source.get(LEXICAL_ROOT, Y.XmlText);
  const to = target.get(LEXICAL_ROOT, Y.XmlText);
  target.transact(() => {
    if (to.length > 0) to.delete(0, to.length);
    const delta = (from.toDelta() as { insert: unknown }[]).map((op) => ({
      insert: typeof op.insert === 'string' ? op.insert : cloneValue(op.insert),
    }));
    to.applyDelta(delta);
  }, origin);
  source.destroy();
}

import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  minutesTemplate,
  plainText,
  plainTextOfState,
  readBlocks,
  replaceContent,
  TEXT_FORMAT,
  templateUpdate,
  writeNodes,
} from './content.js';
import { toMarkdown } from './export.js';

const docOf = (update: Uint8Array) => {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, update);
  return doc;
};

describe('the Lexical layout', () => {
  it('writes the minutes template as headings and paragraphs and reads it back in order', () => {
    const doc = docOf(templateUpdate(minutesTemplate('支部大会')));
    const blocks = readBlocks(doc);
    expect(blocks[0]).toMatchObject({ type: 'heading', level: 1 });
    expect(plainText(blocks).split('\n')).toEqual([
      '支部大会',
      '时间：',
      '地点：',
      '主持人：',
      '记录人：',
      '应到人数：    实到人数：    缺席人员及原因：',
      '议程',
      '',
      '会议内容',
      '',
      '决议',
      '',
    ]);
    const root = doc.get('root', Y.XmlText);
    const first = (root.toDelta() as { insert: unknown }[])[0]?.insert as Y.XmlText;
    expect(first.getAttribute('__type')).toBe('heading');
    expect(first.getAttribute('__tag')).toBe('h1');
    const textNode = (first.toDelta() as { insert: unknown }[])[0]?.insert as Y.Map<unknown>;
    expect(textNode.get('__type')).toBe('text');
  });

  it('reads formats, lists and tables the way @lexical/yjs stores them', () => {
    const doc = new Y.Doc();
    const root = doc.get('root', Y.XmlText);
    doc.transact(() => {
      const p = new Y.XmlText();
      root.insertEmbed(0, p);
      p.setAttribute('__type', 'paragraph');
      const plain = new Y.Map<unknown>();
      p.insertEmbed(0, plain);
      plain.set('__type', 'text');
      plain.set('__format', 0);
      p.insert(1, '普通');
      const bold = new Y.Map<unknown>();
      p.insertEmbed(3, bold);
      bold.set('__type', 'text');
      bold.set('__format', TEXT_FORMAT.bold | TEXT_FORMAT.italic);
      p.insert(4, '强调');
      const list = new Y.XmlText();
      root.insertEmbed(1, list);
      list.setAttribute('__type', 'list');
      list.setAttribute('__listType', 'number');
      for (const [i, text] of ['一', '二'].entries()) {
        const item = new Y.XmlText();
        list.insertEmbed(i, item);
        item.setAttribute('__type', 'listitem');
        const t = new Y.Map<unknown>();
        item.insertEmbed(0, t);
        t.set('__type', 'text');
        item.insert(1, text);
      }
    });
    const blocks = readBlocks(doc);
    expect(blocks[0]).toMatchObject({
      type: 'paragraph',
      runs: [
        { text: '普通', bold: false },
        { text: '强调', bold: true, italic: true },
      ],
    });
    expect(blocks.slice(1).map((b) => b.type === 'listitem' && [b.ordered, b.index])).toEqual([
      [true, 1],
      [true, 2],
    ]);
    expect(toMarkdown('t', blocks)).toBe('普通***强调***\n\n1. 一\n2. 二\n');
  });

  it('restores a state as a forward edit that a peer converges to', () => {
    const a = new Y.Doc();
    writeNodes(a, [{ type: 'paragraph', text: '第一稿' }]);
    const saved = Y.encodeStateAsUpdate(a);
    writeNodes(a, [{ type: 'paragraph', text: '第二稿' }]);
    const b = docOf(Y.encodeStateAsUpdate(a));
    a.on('update', (u: Uint8Array) => Y.applyUpdate(b, u));
    replaceContent(a, saved, 'restore');
    expect(plainText(readBlocks(a))).toBe('第一稿');
    expect(plainText(readBlocks(b))).toBe('第一稿');
    expect(plainTextOfState(Y.encodeStateAsUpdate(b))).toBe('第一稿');
  });
});

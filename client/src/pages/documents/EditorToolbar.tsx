import {
  BoldOutlined,
  ItalicOutlined,
  OrderedListOutlined,
  RedoOutlined,
  TableOutlined,
  UnderlineOutlined,
  UndoOutlined,
  UnorderedListOutlined,
} from '@ant-design/icons';
import { INSERT_ORDERED_LIST_COMMAND, INSERT_UNORDERED_LIST_COMMAND } from '@lexical/list';
import { useLexicalComposerContext } from '@lexical/react/LexicalComposerContext';
import { $createHeadingNode, type HeadingTagType } from '@lexical/rich-text';
import { $setBlocksType } from '@lexical/selection';
import { INSERT_TABLE_COMMAND } from '@lexical/table';
import { mergeRegister } from '@lexical/utils';
import { Button, Divider, Space, Tooltip } from 'antd';
import {
  $createParagraphNode,
  $getSelection,
  $isRangeSelection,
  CAN_REDO_COMMAND,
  CAN_UNDO_COMMAND,
  COMMAND_PRIORITY_LOW,
  type ElementNode,
  FORMAT_TEXT_COMMAND,
  REDO_COMMAND,
  UNDO_COMMAND,
} from 'lexical';
import { type ReactNode, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** Headings, paragraph, bold/italic/underline, lists, table, and this user's own undo/redo. */
export function EditorToolbar({ editable, extra }: { editable: boolean; extra?: ReactNode }) {
  const { t } = useTranslation('documents');
  const [editor] = useLexicalComposerContext();
  const [canUndo, setCanUndo] = useState(false);
  const [canRedo, setCanRedo] = useState(false);

  useEffect(
    () =>
      mergeRegister(
        editor.registerCommand(
          CAN_UNDO_COMMAND,
          (value) => {
            setCanUndo(value);
            return false;
          },
          COMMAND_PRIORITY_LOW,
        ),
        editor.registerCommand(
          CAN_REDO_COMMAND,
          (value) => {
            setCanRedo(value);
            return false;
          },
          COMMAND_PRIORITY_LOW,
        ),
      ),
    [editor],
  );

  const block = (make: () => ElementNode) =>
    editor.update(() => {
      const selection = $getSelection();
      if ($isRangeSelection(selection)) $setBlocksType(selection, make);
    });
  const heading = (tag: HeadingTagType) => block(() => $createHeadingNode(tag));

  return (
    <div className="zb-doc-toolbar" data-testid="doc-toolbar">
      <Space wrap size={4}>
        <Tooltip title={t('toolbar.undo')}>
          <Button
            size="small"
            icon={<UndoOutlined />}
            disabled={!editable || !canUndo}
            onClick={() => editor.dispatchCommand(UNDO_COMMAND, undefined)}
            data-testid="doc-undo"
          />
        </Tooltip>
        <Tooltip title={t('toolbar.redo')}>
          <Button
            size="small"
            icon={<RedoOutlined />}
            disabled={!editable || !canRedo}
            onClick={() => editor.dispatchCommand(REDO_COMMAND, undefined)}
          />
        </Tooltip>
        <Divider orientation="vertical" />
        <Button size="small" disabled={!editable} onClick={() => block(() => $createParagraphNode())}>
          {t('toolbar.paragraph')}
        </Button>
        <Button size="small" disabled={!editable} onClick={() => heading('h1')}>
          H1
        </Button>
        <Button size="small" disabled={!editable} onClick={() => heading('h2')}>
          H2
        </Button>
        <Button size="small" disabled={!editable} onClick={() => heading('h3')}>
          H3
        </Button>
        <Divider orientation="vertical" />
        <Tooltip title={t('toolbar.bold')}>
          <Button
            size="small"
            icon={<BoldOutlined />}
            disabled={!editable}
            onClick={() => editor.dispatchCommand(FORMAT_TEXT_COMMAND, 'bold')}
            data-testid="doc-bold"
          />
        </Tooltip>
        <Tooltip title={t('toolbar.italic')}>
          <Button
            size="small"
            icon={<ItalicOutlined />}
            disabled={!editable}
            onClick={() => editor.dispatchCommand(FORMAT_TEXT_COMMAND, 'italic')}
          />
        </Tooltip>
        <Tooltip title={t('toolbar.underline')}>
          <Button
            size="small"
            icon={<UnderlineOutlined />}
            disabled={!editable}
            onClick={() => editor.dispatchCommand(FORMAT_TEXT_COMMAND, 'underline')}
          />
        </Tooltip>
        <Divider orientation="vertical" />
        <Tooltip title={t('toolbar.bullets')}>
          <Button
            size="small"
            icon={<UnorderedListOutlined />}
            disabled={!editable}
            onClick={() => editor.dispatchCommand(INSERT_UNORDERED_LIST_COMMAND, undefined)}
          />
        </Tooltip>
        <Tooltip title={t('toolbar.numbers')}>
          <Button
            size="small"
            icon={<OrderedListOutlined />}
            disabled={!editable}
            onClick={() => editor.dispatchCommand(INSERT_ORDERED_LIST_COMMAND, undefined)}
          />
        </Tooltip>
        <Tooltip title={t('toolbar.table')}>
          <Button
            size="small"
            icon={<TableOutlined />}
            disabled={!editable}
            onClick={() => editor.dispatchCommand(INSERT_TABLE_COMMAND, { rows: '3', columns: '3' })}
          />
        </Tooltip>
        {extra}
      </Space>
    </div>
  );
}

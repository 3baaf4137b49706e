import { ListItemNode, ListNode } from '@lexical/list';
import { LexicalCollaboration } from '@lexical/react/LexicalCollaborationContext';
import { CollaborationPlugin } from '@lexical/react/LexicalCollaborationPlugin';
import { type InitialConfigType, LexicalComposer } from '@lexical/react/LexicalComposer';
import { useLexicalComposerContext } from '@lexical/react/LexicalComposerContext';
import { ContentEditable } from '@lexical/react/LexicalContentEditable';
import { LexicalErrorBoundary } from '@lexical/react/LexicalErrorBoundary';
import { ListPlugin } from '@lexical/react/LexicalListPlugin';
import { RichTextPlugin } from '@lexical/react/LexicalRichTextPlugin';
import { TablePlugin } from '@lexical/react/LexicalTablePlugin';
import { HeadingNode, QuoteNode } from '@lexical/rich-text';
import { TableCellNode, TableNode, TableRowNode } from '@lexical/table';
import type { Provider } from '@lexical/yjs';
import { CollabCloseCodes, type DocumentAccess, FinalCollabCloseCodes, LEXICAL_ROOT } from '@zhibu/shared';
import { type ReactNode, useCallback, useEffect, useRef } from 'react';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { refreshSession } from '../../api/http';
import { getSession, onSessionChange } from '../../api/session';
import { collabServerUrl } from './api';
import { EditorToolbar } from './EditorToolbar';
import './documents.css';

export type ConnectionStatus = 'connecting' | 'connected' | 'disconnected';

export interface CollabEditorProps {
  docName: string;
  editable: boolean;
  userName: string;
  userColor: string;
  /** The provider and its Y.Doc, once created (for presence, the lifecycle mirror and the status). */
  onProvider?: (provider: WebsocketProvider, doc: Y.Doc) => void;
  onStatus?: (status: ConnectionStatus) => void;
  /** The server closed with a code after which reconnecting cannot help (see CollabCloseCodes). */
  onFatalClose?: (code: number) => void;
  /**
   * The server changed this user's rights while connected (ACCESS_READ / ACCESS_WRITE); the provider
   * reconnects by itself with the new rights.
   */
  onAccessChange?: (access: Exclude<DocumentAccess, 'none'>) => void;
  toolbarExtra?: ReactNode;
}

/** The editor's nodes and theme, shared with the read-only version preview. */
export const editorTheme = {
  paragraph: 'zb-doc-p',
  heading: { h1: 'zb-doc-h1', h2: 'zb-doc-h2', h3: 'zb-doc-h3' },
  list: { ul: 'zb-doc-ul', ol: 'zb-doc-ol', listitem: 'zb-doc-li' },
  text: { bold: 'zb-doc-bold', italic: 'zb-doc-italic', underline: 'zb-doc-underline' },
  table: 'zb-doc-table',
  tableCell: 'zb-doc-td',
  tableCellHeader: 'zb-doc-th',
};

export const editorNodes = [
  HeadingNode,
  QuoteNode,
  ListNode,
  ListItemNode,
  TableNode,
  TableRowNode,
  TableCellNode,
];

function EditablePlugin({ editable }: { editable: boolean }) {
  const [editor] = useLexicalComposerContext();
  useEffect(() => {
    editor.setEditable(editable);
  }, [editor, editable]);
  return null;
}

/**
 * The Lexical editor bound to a Yjs document over the stock y-websocket provider. The initial content
 * comes from the server (never bootstrapped here), undo/redo is per user (the plugin's Y.UndoManager
 * tracks only this client's edits), and remote cursors carry names and colours.
 */
export function CollabEditor(props: CollabEditorProps) {
  const { docName, editable, userName, userColor } = props;
  const callbacks = useRef(props);
  callbacks.current = props;
  const cleanups = useRef<(() => void)[]>([]);
  useEffect(
    () => () => {
      for (const cleanup of cleanups.current.splice(0)) cleanup();
    },
    [],
  );

  const initialConfig: InitialConfigType = {
    namespace: 'zhibu-document',
    // null: the content comes from the Y.Doc, not from Lexical.
    editorState: null,
    editable,
    theme: editorTheme,
    nodes: editorNodes,
    onError: (error: Error) => {
      console.error(error);
    },
  };

  const providerFactory = useCallback((id: string, yjsDocMap: Map<string, Y.Doc>): Provider => {
    let doc = yjsDocMap.get(id);
    if (!doc) {
      doc = new Y.Doc();
      yjsDocMap.set(id, doc);
    }
    doc.get(LEXICAL_ROOT, Y.XmlText);
    const provider = new WebsocketProvider(collabServerUrl(), id, doc, {
      connect: false,
      params: { token: getSession()?.accessToken ?? '' },
    });
    cleanups.current.push(
      onSessionChange((session) => {
        provider.params.token = session?.accessToken ?? '';
      }),
      () => provider.destroy(),
    );
    provider.on('status', ({ status }) => callbacks.current.onStatus?.(status));
    provider.on('connection-close', (event) => {
      const code = event?.code ?? 0;
      if (code === CollabCloseCodes.UNAUTHENTICATED) {
        void refreshSession();
      } else if (code === CollabCloseCodes.ACCESS_READ) {
        callbacks.current.onAccessChange?.('read');
      } else if (code === CollabCloseCodes.ACCESS_WRITE) {
        callbacks.current.onAccessChange?.('write');
      } else if (FinalCollabCloseCodes.includes(code)) {
        provider.shouldConnect = false;
        callbacks.current.onFatalClose?.(code);
      }
    });
    callbacks.current.onProvider?.(provider, doc);
    return provider as unknown as Provider;
  }, []);

  return (
    <LexicalCollaboration>
      <LexicalComposer initialConfig={initialConfig}>
        <div className="zb-doc-editor" data-testid="doc-editor">
          <EditorToolbar editable={editable} extra={props.toolbarExtra} />
          <div className="zb-doc-surface">
            <RichTextPlugin
              contentEditable={<ContentEditable className="zb-doc-content" data-testid="doc-content" />}
              ErrorBoundary={LexicalErrorBoundary}
            />
          </div>
          <ListPlugin />
          <TablePlugin />
          <EditablePlugin editable={editable} />
          <CollaborationPlugin
            id={docName}
            providerFactory={providerFactory}
            shouldBootstrap={false}
            username={userName}
            cursorColor={userColor}
          />
        </div>
      </LexicalComposer>
    </LexicalCollaboration>
  );
}

const PALETTE = ['#d4380d', '#d48806', '#389e0d', '#08979c', '#1d39c4', '#531dab', '#c41d7f', '#7cb305'];

/** A stable colour per user. */
export function colorFor(userId: string): string {
  let h = 0;
  for (const ch of userId) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return PALETTE[h % PALETTE.length] ?? '#1d39c4';
}

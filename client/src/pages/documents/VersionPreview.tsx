import { LexicalCollaboration } from '@lexical/react/LexicalCollaborationContext';
import { CollaborationPlugin } from '@lexical/react/LexicalCollaborationPlugin';
import { type InitialConfigType, LexicalComposer } from '@lexical/react/LexicalComposer';
import { ContentEditable } from '@lexical/react/LexicalContentEditable';
import { LexicalErrorBoundary } from '@lexical/react/LexicalErrorBoundary';
import { RichTextPlugin } from '@lexical/react/LexicalRichTextPlugin';
import type { Provider, UserState } from '@lexical/yjs';
import { useCallback } from 'react';
import * as Y from 'yjs';
import { editorNodes, editorTheme } from './CollabEditor';

type Listener = (...args: never[]) => void;

/**
 * A provider that never touches the network: it serves a Y.Doc built from a stored version, so that the
 * real editor renders the version exactly as it was (headings, lists, tables), read-only.
 */
function localProvider(load: () => void): Provider {
  const listeners = new Map<string, Set<Listener>>();
  const states = new Map<number, UserState>();
  const awarenessListeners = new Set<() => void>();
  const on = (type: string, cb: Listener) => {
    if (!listeners.has(type)) listeners.set(type, new Set());
    listeners.get(type)?.add(cb);
  };
  const off = (type: string, cb: Listener) => listeners.get(type)?.delete(cb);
  return {
    awareness: {
      getLocalState: () => states.get(0) ?? null,
      getStates: () => states,
      on: (_type, cb) => awarenessListeners.add(cb),
      off: (_type, cb) => awarenessListeners.delete(cb),
      setLocalState: (state) => {
        if (state) states.set(0, state);
        else states.delete(0);
      },
      setLocalStateField: (field, value) => {
        const state = states.get(0);
        if (state) states.set(0, { ...state, [field]: value });
      },
    },
    connect: () => {
      queueMicrotask(() => {
        // The binding observes the doc by now: the content arrives as a remote change and renders.
        load();
        for (const cb of listeners.get('sync') ?? []) (cb as (synced: boolean) => void)(true);
      });
    },
    disconnect: () => undefined,
    on: on as Provider['on'],
    off: off as Provider['off'],
  };
}

/** A stored version (base64 Yjs state) rendered read-only in the document editor. */
export function VersionPreview({ state, versionId }: { state: string; versionId: string }) {
  const providerFactory = useCallback(
    (id: string, yjsDocMap: Map<string, Y.Doc>): Provider => {
      const doc = new Y.Doc();
      yjsDocMap.set(id, doc);
      return localProvider(() =>
        Y.applyUpdate(
          doc,
          Uint8Array.from(atob(state), (c) => c.charCodeAt(0)),
        ),
      );
    },
    [state],
  );
  const initialConfig: InitialConfigType = {
    namespace: 'zhibu-version',
    editorState: null,
    editable: false,
    theme: editorTheme,
    nodes: editorNodes,
    onError: (error: Error) => {
      console.error(error);
    },
  };
  return (
    <LexicalCollaboration key={versionId}>
      <LexicalComposer initialConfig={initialConfig}>
        <div className="zb-doc-editor">
          <RichTextPlugin
            contentEditable={
              <ContentEditable
                className="zb-doc-content zb-doc-preview"
                data-testid="version-preview-editor"
              />
            }
            ErrorBoundary={LexicalErrorBoundary}
          />
          <CollaborationPlugin
            id={`version:${versionId}`}
            providerFactory={providerFactory}
            shouldBootstrap={false}
          />
        </div>
      </LexicalComposer>
    </LexicalCollaboration>
  );
}

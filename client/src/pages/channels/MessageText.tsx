import { Typography } from 'antd';
import { Fragment, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

const TOKEN = /<@([0-9a-f]{24}|all|here)>|(https?:\/\/[^\s<>"']+)/g;

/**
 * Message text as React text nodes: mention tokens become names, http(s) links become links that open
 * in a new tab without access to this page. Nothing is ever interpreted as HTML.
 */
export function MessageText({ text, names }: { text: string; names: ReadonlyMap<string, string> }) {
  const { t } = useTranslation('channels');
  const parts: ReactNode[] = [];
  let last = 0;
  let key = 0;
  for (const match of text.matchAll(TOKEN)) {
    const at = match.index ?? 0;
    if (at > last) parts.push(<Fragment key={key++}>{text.slice(last, at)}</Fragment>);
    if (match[1]) {
      const who =
        match[1] === 'all' || match[1] === 'here' ? t('mentionAll') : (names.get(match[1]) ?? t('someone'));
      parts.push(
        <span key={key++} className="zb-chat-mention">
          @{who}
        </span>,
      );
    } else if (match[2]) {
      const url = match[2].replace(/[.,!?)，。！？）]+$/, '');
      parts.push(
        <a key={key++} href={url} target="_blank" rel="noopener noreferrer nofollow">
          {url}
        </a>,
      );
      if (url.length < match[2].length)
        parts.push(<Fragment key={key++}>{match[2].slice(url.length)}</Fragment>);
    }
    last = at + match[0].length;
  }
  if (last < text.length) parts.push(<Fragment key={key++}>{text.slice(last)}</Fragment>);
  return <span className="zb-chat-text">{parts}</span>;
}

/** Search results: the matched ranges marked, the rest plain text. */
export function Highlighted({
  text,
  ranges,
}: {
  text: string;
  ranges: ReadonlyArray<readonly [number, number]>;
}) {
  const out: ReactNode[] = [];
  let last = 0;
  ranges.forEach(([start, end]) => {
    if (start > last) out.push(<Fragment key={`t${last}`}>{text.slice(last, start)}</Fragment>);
    out.push(<mark key={`m${start}`}>{text.slice(start, end)}</mark>);
    last = end;
  });
  if (last < text.length) out.push(<Fragment key="rest">{text.slice(last)}</Fragment>);
  return <Typography.Text>{out}</Typography.Text>;
}

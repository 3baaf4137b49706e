/**
 * Mentions are written in the text as tokens the client inserts: `<@userId>` for a person, `<@all>` and
 * `<@here>` for everyone. Plain "@all", "@here" and "@所有人" count as @all too. Rendering replaces the
 * tokens with names; the text is always shown as text, never as HTML.
 */
const USER_TOKEN = /<@([0-9a-f]{24})>/g;
const ALL_TOKEN = /<@(all|here)>|(^|[\s(（])@(all|here|所有人)(?=$|[\s,.!?，。！？)）])/i;

export interface ParsedMentions {
  userIds: string[];
  all: boolean;
}

export function parseMentions(text: string, max: number): ParsedMentions {
  const ids = new Set<string>();
  for (const match of text.matchAll(USER_TOKEN)) {
    ids.add(match[1]!);
    if (ids.size >= max) break;
  }
  return { userIds: [...ids], all: ALL_TOKEN.test(text) };
}

import { FileOutlined } from '@ant-design/icons';
import type { Attachment } from '@zhibu/shared';
import { Button, Image, Space } from 'antd';
import { useEffect, useState } from 'react';
import { attachmentUrl } from './api';

function Thumb({ file }: { file: Attachment }) {
  const [thumb, setThumb] = useState<string | null>(null);
  const [full, setFull] = useState<string | null>(null);
  useEffect(() => {
    let url: string | null = null;
    let alive = true;
    attachmentUrl(file.id, true).then(
      (u) => {
        url = u;
        if (alive) setThumb(u);
        else URL.revokeObjectURL(u);
      },
      () => undefined,
    );
    return () => {
      alive = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [file.id]);
  if (!thumb) return <div className="zb-chat-thumb-placeholder" />;
  return (
    <Image
      src={thumb}
      alt={file.name}
      width={160}
      preview={{
        src: full ?? thumb,
        onVisibleChange: (open) => {
          if (open && !full) attachmentUrl(file.id, false).then(setFull, () => undefined);
        },
      }}
    />
  );
}

/** Files of a message: images as thumbnails (fetched with the token), other files as download buttons. */
export function Attachments({ files }: { files: Attachment[] }) {
  if (files.length === 0) return null;
  const download = async (file: Attachment) => {
    const url = await attachmentUrl(file.id, false);
    const a = document.createElement('a');
    a.href = url;
    a.download = file.name;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  return (
    <Space wrap size={8} style={{ marginTop: 4 }}>
      {files.map((f) =>
        f.hasThumbnail ? (
          <Thumb key={f.id} file={f} />
        ) : (
          <Button key={f.id} size="small" icon={<FileOutlined />} onClick={() => void download(f)}>
            {f.name} ({Math.max(1, Math.round(f.size / 1024))} KB)
          </Button>
        ),
      )}
    </Space>
  );
}

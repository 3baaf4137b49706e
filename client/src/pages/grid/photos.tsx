import { CameraOutlined, CloseOutlined, LoadingOutlined, PictureOutlined } from '@ant-design/icons';
import { type GridPhoto, GridPhotoLimits } from '@zhibu/shared';
import { App, Button, Image, Space } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useErrorMessage } from '../../api/errors';
import { fileObjectUrl, uploadFile } from '../../api/files';

/** Uploads one photo as the raw request body; the server decodes it, strips metadata and makes a thumbnail. */
export const uploadGridPhoto = (file: File) => uploadFile<GridPhoto>('/api/v1/grid/photos', file);

/** A protected photo (or its thumbnail) fetched with the bearer token, as an object URL. */
export const gridPhotoUrl = (id: string, thumb: boolean) =>
  fileObjectUrl(`/api/v1/grid/photos/${encodeURIComponent(id)}${thumb ? '?thumb=true' : ''}`);

/** Loads an object URL for a photo while mounted (revoked on unmount). */
function usePhotoUrl(id: string | null, thumb: boolean): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!id) return;
    let made: string | null = null;
    let alive = true;
    gridPhotoUrl(id, thumb).then(
      (u) => {
        made = u;
        if (alive) setUrl(u);
        else URL.revokeObjectURL(u);
      },
      () => undefined,
    );
    return () => {
      alive = false;
      if (made) URL.revokeObjectURL(made);
    };
  }, [id, thumb]);
  return url;
}

const THUMB = 96;

function Thumb({ id }: { id: string }) {
  const thumb = usePhotoUrl(id, true);
  const [open, setOpen] = useState(false);
  const full = usePhotoUrl(open ? id : null, false);
  if (!thumb) return <div className="zb-grid-photo-placeholder" style={{ width: THUMB, height: THUMB }} />;
  return (
    <Image
      src={thumb}
      width={THUMB}
      height={THUMB}
      style={{ objectFit: 'cover', borderRadius: 4 }}
      data-testid="grid-photo-thumb"
      preview={{ src: full ?? thumb, onVisibleChange: (visible) => visible && setOpen(true) }}
    />
  );
}

/** Thumbnails of an issue's photos; a click shows the full photo. */
export function PhotoGallery({ ids }: { ids: readonly string[] }) {
  // Only ids of uploads (older issues may hold free-text references, which are not files).
  const photos = ids.filter((id) => /^[0-9a-f]{24}$/.test(id));
  if (photos.length === 0) return null;
  return (
    <Space wrap data-testid="grid-photos">
      {photos.map((id) => (
        <Thumb key={id} id={id} />
      ))}
    </Space>
  );
}

interface Picked {
  key: string;
  preview: string;
  id: string | null;
}

/**
 * Chooses photos on a phone or a computer: "take a photo" opens the camera (`capture`), "choose" opens the
 * gallery or file dialog. Each photo is uploaded at once; the form value is the list of uploaded ids.
 */
export function PhotoPicker({
  value = [],
  onChange,
  testId = 'grid-photo-input',
}: {
  value?: string[];
  onChange?: (ids: string[]) => void;
  testId?: string;
}) {
  const { t } = useTranslation('grid');
  const { message } = App.useApp();
  const errorMessage = useErrorMessage();
  const [picked, setPicked] = useState<Picked[]>([]);
  const camera = useRef<HTMLInputElement>(null);
  const gallery = useRef<HTMLInputElement>(null);
  const latest = useRef(picked);
  latest.current = picked;

  // A reset form (value emptied from outside) clears the previews too.
  useEffect(() => {
    if (value.length === 0 && latest.current.some((p) => p.id !== null)) {
      for (const p of latest.current) URL.revokeObjectURL(p.preview);
      setPicked([]);
    }
  }, [value]);
  useEffect(
    () => () => {
      for (const p of latest.current) URL.revokeObjectURL(p.preview);
    },
    [],
  );

  const publish = (next: Picked[]) => {
    setPicked(next);
    onChange?.(next.flatMap((p) => (p.id ? [p.id] : [])));
  };

  const add = async (files: FileList | null) => {
    if (!files) return;
    const room = GridPhotoLimits.perIssue - latest.current.length;
    const chosen = [...files].slice(0, Math.max(0, room));
    if (files.length > chosen.length) message.warning(t('photos.tooMany', { max: GridPhotoLimits.perIssue }));
    for (const file of chosen) {
      if (file.size > GridPhotoLimits.maxBytes) {
        message.error(t('photos.tooLarge', { name: file.name }));
        continue;
      }
      const item: Picked = {
        key: `${Date.now()}-${Math.random()}`,
        preview: URL.createObjectURL(file),
        id: null,
      };
      setPicked((list) => [...list, item]);
      try {
        const photo = await uploadGridPhoto(file);
        publish(latest.current.map((p) => (p.key === item.key ? { ...p, id: photo.id } : p)));
      } catch (error) {
        URL.revokeObjectURL(item.preview);
        publish(latest.current.filter((p) => p.key !== item.key));
        message.error(`${file.name}: ${errorMessage(error)}`);
      }
    }
  };

  const remove = (key: string) => {
    const gone = latest.current.find((p) => p.key === key);
    if (gone) URL.revokeObjectURL(gone.preview);
    publish(latest.current.filter((p) => p.key !== key));
  };

  const full = picked.length >= GridPhotoLimits.perIssue;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap>
        {picked.map((p) => (
          <div key={p.key} style={{ position: 'relative', width: THUMB, height: THUMB }}>
            <img
              src={p.preview}
              alt=""
              style={{
                width: THUMB,
                height: THUMB,
                objectFit: 'cover',
                borderRadius: 4,
                opacity: p.id ? 1 : 0.5,
              }}
              data-testid={p.id ? 'grid-photo-uploaded' : 'grid-photo-uploading'}
            />
            {!p.id && <LoadingOutlined style={{ position: 'absolute', left: 40, top: 40 }} />}
            <Button
              size="small"
              shape="circle"
              icon={<CloseOutlined />}
              aria-label={t('photos.remove')}
              style={{ position: 'absolute', right: 2, top: 2 }}
              onClick={() => remove(p.key)}
            />
          </div>
        ))}
      </Space>
      <Space wrap>
        <Button icon={<CameraOutlined />} disabled={full} onClick={() => camera.current?.click()}>
          {t('photos.take')}
        </Button>
        <Button icon={<PictureOutlined />} disabled={full} onClick={() => gallery.current?.click()}>
          {t('photos.choose')}
        </Button>
      </Space>
      <input
        ref={camera}
        type="file"
        accept="image/*"
        capture="environment"
        style={{ display: 'none' }}
        onChange={(e) => {
          void add(e.target.files);
          e.target.value = '';
        }}
      />
      <input
        ref={gallery}
        type="file"
        accept="image/*"
        multiple
        style={{ display: 'none' }}
        data-testid={testId}
        onChange={(e) => {
          void add(e.target.files);
          e.target.value = '';
        }}
      />
    </Space>
  );
}

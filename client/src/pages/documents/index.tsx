import { Spin } from 'antd';
import { lazy, Suspense } from 'react';
import { Route, Routes } from 'react-router';

const DocumentsListPage = lazy(() => import('./DocumentsListPage'));
const DocumentPage = lazy(() => import('./DocumentPage'));

/** 文档: the archive of minutes and reflections, and the co-editing page of one document. */
export default function DocumentsArea() {
  return (
    <Suspense fallback={<Spin style={{ margin: 64 }} />}>
      <Routes>
        <Route index element={<DocumentsListPage />} />
        <Route path=":id" element={<DocumentPage />} />
      </Routes>
    </Suspense>
  );
}

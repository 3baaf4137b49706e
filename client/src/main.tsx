import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './i18n';
import './styles.css';
import { App } from './App';
import { installChunkReload } from './errors/chunkReload';

const root = document.getElementById('root');
if (!root) throw new Error('#root missing from index.html');
installChunkReload();
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

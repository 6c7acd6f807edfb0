import { render } from 'preact';
import { App } from './components/app.js';
import './styles/base.css';
import './styles/status.css';
import './styles/layout.css';
import './styles/table.css';
import './styles/dialog.css';

const root = document.getElementById('app');
if (root) render(<App />, root);

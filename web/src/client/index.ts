// web/src/client: everything modules may use. Modules import from here only.
export * from './api';
export * from './auth';
export * from './errors';
export * from './head';
export * from './limits';
export * from './module';
export * from './query';
export * from './router';
export * from './sphere';
export * from './ssr-data';
export * from './theme';
export * from './validate';
export * from './ui/alert';
export * from './ui/field';
export * from './ui/format';
export * from './ui/skeleton';
export * as styles from './styles.css';
export { vars } from './theme.css';

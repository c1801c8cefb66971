import * as s from '../styles.css';

/** Placeholder blocks with the height of what will load, so nothing shifts when it arrives. */
export function Skeleton({ height, width = '100%' }: { height: string; width?: string }) {
  return <span class={s.skeleton} style={{ height, width }} aria-hidden="true" />;
}

export function SkeletonList({ count, height, label }: { count: number; height: string; label: string }) {
  return (
    <div class={s.stackSm} role="status" aria-live="polite" data-testid="loading">
      <span class={s.visuallyHidden}>{label}</span>
      {Array.from({ length: count }, (_, i) => (
        <Skeleton key={i} height={height} />
      ))}
    </div>
  );
}

import { styles as s } from '../../../client';
import { statusLabel, statusTone } from '../model';

export function StatusBadge({ status }: { status: string }) {
  return (
    <span class={s.badge[statusTone(status)]} data-testid="status-badge">
      {statusLabel(status)}
    </span>
  );
}

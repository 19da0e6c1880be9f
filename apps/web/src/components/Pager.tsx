// "1–25 of 120" with Previous / Next; the offset lives in the URL.
export function Pager(props: { id: string; offset: number; limit: number; shown: number; total: number; onPage: (offset: number) => void }) {
  const { id, offset, limit, shown, total } = props;
  if (total === 0) return null;
  const lastPage = Math.floor((total - 1) / limit) * limit;
  return (
    <nav className="record-pager" aria-label="Pages">
      <span id={`${id}-count`} className="muted">
        {/* Clamped: while the next page loads, `shown` still counts the previous one. */}
        {shown > 0 && offset < total ? `${offset + 1}–${Math.min(offset + shown, total)} of ${total}` : `${total} in all`}
      </span>
      <button id={`${id}-prev`} type="button" disabled={offset === 0} onClick={() => props.onPage(Math.max(0, Math.min(offset - limit, lastPage)))}>
        Previous
      </button>
      <button id={`${id}-next`} type="button" disabled={offset + limit >= total} onClick={() => props.onPage(offset + limit)}>
        Next
      </button>
    </nav>
  );
}

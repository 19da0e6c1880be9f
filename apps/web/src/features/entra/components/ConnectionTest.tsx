// "Test connection": a button and its answer inline (one sentence from the server, ok or not).
import { messageOf } from '../../../lib/api.ts';
import type { useTestConnection } from '../api/connection.ts';

export function ConnectionTest({ id, test, onTest }: { id: string; test: ReturnType<typeof useTestConnection>; onTest: () => void }) {
  return (
    <>
      <button id={id} type="button" disabled={test.isPending} onClick={onTest}>
        {test.isPending ? 'Testing…' : 'Test connection'}
      </button>
      {(test.data || test.error) && (
        <p id={`${id}-result`} role="status" className={test.data?.ok ? 'notice' : 'error'}>
          {test.data ? test.data.message : messageOf(test.error)}
        </p>
      )}
    </>
  );
}

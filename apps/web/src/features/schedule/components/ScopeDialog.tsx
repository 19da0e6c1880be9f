// Asks which occurrences of a repeating entry a change applies to: this one, this and following, or
// all. `ask` resolves with the choice (null on cancel), so a save or a drop can await it in place.
import { useCallback, useId, useRef, useState, type ReactNode } from 'react';
import { Dialog } from '../../../components/Dialog.tsx';

export type EditScope = 'one' | 'following' | 'all';

export interface ScopeQuestion {
  title: string;
  action: 'move' | 'edit' | 'delete';
  /** The choices that fit the change (a new rule cannot be one occurrence's); all three when omitted. */
  scopes?: EditScope[];
}

const PARTICIPLES: Record<ScopeQuestion['action'], string> = { move: 'moved', edit: 'changed', delete: 'deleted' };

export function useScopePrompt(): { ask: (options: ScopeQuestion) => Promise<EditScope | null>; element: ReactNode } {
  const [question, setQuestion] = useState<ScopeQuestion | null>(null);
  // The grid and the entry dialog each have one; only one is ever open, but their <dialog>s stay in the page.
  const dialogId = `scope-dialog${useId().replaceAll(':', '-')}`;
  const resolveRef = useRef<((scope: EditScope | null) => void) | null>(null);

  const answer = useCallback((scope: EditScope | null) => {
    resolveRef.current?.(scope);
    resolveRef.current = null;
    setQuestion(null);
  }, []);

  const ask = useCallback((options: ScopeQuestion) => {
    // A question still open (a second drop before answering the first) counts as cancelled.
    resolveRef.current?.(null);
    setQuestion(options);
    return new Promise<EditScope | null>((resolve) => {
      resolveRef.current = resolve;
    });
  }, []);

  const offers = (scope: EditScope) => !question?.scopes || question.scopes.includes(scope);
  const element = (
    <Dialog id={dialogId} title={question?.title ?? ''} open={question !== null} onClose={() => answer(null)}>
      <p id="scope-dialog-question">This entry repeats. Which occurrences should be {question ? PARTICIPLES[question.action] : ''}?</p>
      <div className="actions" role="group" aria-labelledby="scope-dialog-question">
        {offers('one') && (
          <button id="scope-one" type="button" onClick={() => answer('one')}>
            This occurrence
          </button>
        )}
        {offers('following') && (
          <button id="scope-following" type="button" onClick={() => answer('following')}>
            This and following
          </button>
        )}
        {offers('all') && (
          <button id="scope-all" type="button" onClick={() => answer('all')}>
            All occurrences
          </button>
        )}
        <button id="scope-cancel" type="button" onClick={() => answer(null)}>
          Cancel
        </button>
      </div>
    </Dialog>
  );
  return { ask, element };
}

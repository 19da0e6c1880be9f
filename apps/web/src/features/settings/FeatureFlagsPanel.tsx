// Settings → Feature flags (placeholder; replaced by the flags work).
export function FeatureFlagsPanel(_props: { canEdit: boolean }) {
  return <h2>Feature flags</h2>;
}

// Settings → Users (placeholder; replaced by the users work).
export function UsersPanel(_props: { canEdit: boolean; currentUserId: string }) {
  return <h2>Users</h2>;
}

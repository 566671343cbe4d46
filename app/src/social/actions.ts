import type { SendRequestResponse, UserSearchResult } from '@messenjo/shared';
import { api, apiUpload } from '../api/client.ts';
import type { DeviceSession } from '../session/index.ts';

/** Every social action the UI offers, for one device session; each refreshes the lists afterwards. */
export const socialActions = (session: DeviceSession) => ({
  search: (q: string) => api<{ results: UserSearchResult[] }>(`/api/users/search?q=${encodeURIComponent(q)}`),
  request: (userId: string) =>
    session.act(() =>
      api<SendRequestResponse>('/api/friends/requests', { method: 'POST', body: { userId } }),
    ),
  accept: (userId: string) =>
    session.act(() =>
      api<{ conversationId: string }>(`/api/friends/requests/${encodeURIComponent(userId)}/accept`, {
        method: 'POST',
      }),
    ),
  decline: (userId: string) =>
    session.act(() => api(`/api/friends/requests/${encodeURIComponent(userId)}/decline`, { method: 'POST' })),
  cancel: (userId: string) =>
    session.act(() => api(`/api/friends/requests/${encodeURIComponent(userId)}`, { method: 'DELETE' })),
  removeFriend: (userId: string) =>
    session.act(() => api(`/api/friends/${encodeURIComponent(userId)}`, { method: 'DELETE' })),
  block: (userId: string) => session.act(() => api('/api/blocks', { method: 'POST', body: { userId } })),
  unblock: (userId: string) =>
    session.act(() => api(`/api/blocks/${encodeURIComponent(userId)}`, { method: 'DELETE' })),
  createGroup: (name: string, memberIds: string[]) =>
    session.act(() => api<{ id: string }>('/api/groups', { method: 'POST', body: { name, memberIds } })),
  setAddPolicy: (id: string, addMembersPolicy: 'members' | 'admins') =>
    session.act(() =>
      api(`/api/groups/${encodeURIComponent(id)}`, { method: 'PATCH', body: { addMembersPolicy } }),
    ),
  addMembers: (id: string, userIds: string[]) =>
    session.act(() =>
      api(`/api/groups/${encodeURIComponent(id)}/members`, { method: 'POST', body: { userIds } }),
    ),
  removeMember: (id: string, userId: string) =>
    session.act(() =>
      api(`/api/groups/${encodeURIComponent(id)}/members/${encodeURIComponent(userId)}`, {
        method: 'DELETE',
      }),
    ),
  setRole: (id: string, userId: string, role: 'admin' | 'member') =>
    session.act(() =>
      api(`/api/groups/${encodeURIComponent(id)}/members/${encodeURIComponent(userId)}`, {
        method: 'PATCH',
        body: { role },
      }),
    ),
  transferOwnership: (id: string, userId: string) =>
    session.act(() =>
      api(`/api/groups/${encodeURIComponent(id)}/owner`, { method: 'POST', body: { userId } }),
    ),
  setGroupPicture: (id: string, file: File) =>
    session.act(() => apiUpload(`/api/groups/${encodeURIComponent(id)}/picture`, file)),
  removeGroupPicture: (id: string) =>
    session.act(() => api(`/api/groups/${encodeURIComponent(id)}/picture`, { method: 'DELETE' })),
  leave: (id: string) =>
    session.act(() => api(`/api/groups/${encodeURIComponent(id)}/leave`, { method: 'POST' })),
});

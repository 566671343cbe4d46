import type { SendRequestResponse, UserSearchResult } from '@messenjo/shared';
import { api, apiUpload } from '../api/client.ts';
import { socialStore } from './social-store.ts';

/** Every social action the UI offers; each refreshes the lists afterwards. */
export const social = {
  search: (q: string) => api<{ results: UserSearchResult[] }>(`/api/users/search?q=${encodeURIComponent(q)}`),
  request: (userId: string) =>
    socialStore.act(() =>
      api<SendRequestResponse>('/api/friends/requests', { method: 'POST', body: { userId } }),
    ),
  accept: (userId: string) =>
    socialStore.act(() =>
      api<{ conversationId: string }>(`/api/friends/requests/${encodeURIComponent(userId)}/accept`, {
        method: 'POST',
      }),
    ),
  decline: (userId: string) =>
    socialStore.act(() =>
      api(`/api/friends/requests/${encodeURIComponent(userId)}/decline`, { method: 'POST' }),
    ),
  cancel: (userId: string) =>
    socialStore.act(() => api(`/api/friends/requests/${encodeURIComponent(userId)}`, { method: 'DELETE' })),
  removeFriend: (userId: string) =>
    socialStore.act(() => api(`/api/friends/${encodeURIComponent(userId)}`, { method: 'DELETE' })),
  block: (userId: string) => socialStore.act(() => api('/api/blocks', { method: 'POST', body: { userId } })),
  unblock: (userId: string) =>
    socialStore.act(() => api(`/api/blocks/${encodeURIComponent(userId)}`, { method: 'DELETE' })),
  createGroup: (name: string, memberIds: string[]) =>
    socialStore.act(() => api<{ id: string }>('/api/groups', { method: 'POST', body: { name, memberIds } })),
  renameGroup: (id: string, name: string) =>
    socialStore.act(() => api(`/api/groups/${encodeURIComponent(id)}`, { method: 'PATCH', body: { name } })),
  setAddPolicy: (id: string, addMembersPolicy: 'members' | 'admins') =>
    socialStore.act(() =>
      api(`/api/groups/${encodeURIComponent(id)}`, { method: 'PATCH', body: { addMembersPolicy } }),
    ),
  addMembers: (id: string, userIds: string[]) =>
    socialStore.act(() =>
      api(`/api/groups/${encodeURIComponent(id)}/members`, { method: 'POST', body: { userIds } }),
    ),
  removeMember: (id: string, userId: string) =>
    socialStore.act(() =>
      api(`/api/groups/${encodeURIComponent(id)}/members/${encodeURIComponent(userId)}`, {
        method: 'DELETE',
      }),
    ),
  setRole: (id: string, userId: string, role: 'admin' | 'member') =>
    socialStore.act(() =>
      api(`/api/groups/${encodeURIComponent(id)}/members/${encodeURIComponent(userId)}`, {
        method: 'PATCH',
        body: { role },
      }),
    ),
  transferOwnership: (id: string, userId: string) =>
    socialStore.act(() =>
      api(`/api/groups/${encodeURIComponent(id)}/owner`, { method: 'POST', body: { userId } }),
    ),
  setGroupPicture: (id: string, file: File) =>
    socialStore.act(() => apiUpload(`/api/groups/${encodeURIComponent(id)}/picture`, file)),
  removeGroupPicture: (id: string) =>
    socialStore.act(() => api(`/api/groups/${encodeURIComponent(id)}/picture`, { method: 'DELETE' })),
  leave: (id: string) =>
    socialStore.act(() => api(`/api/groups/${encodeURIComponent(id)}/leave`, { method: 'POST' })),
};

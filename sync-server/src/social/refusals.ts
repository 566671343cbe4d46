import { DomainError } from '../domain-error.ts';

/**
 * Every refusal of the social graph, each with its own code so the app can say exactly why.
 * Domain errors, not HTTP ones: the API's `onError` gives each code its status.
 */
export const refuse = {
  userNotFound: () => new DomainError('user_not_found', 'No such user'),
  self: () => new DomainError('cannot_befriend_self', 'You cannot send a friend request to yourself'),
  alreadyFriends: () => new DomainError('already_friends', 'You are already friends'),
  notFriends: (message = 'You are not friends with this user') => new DomainError('not_friends', message),
  blocked: () => new DomainError('blocked', 'This user is blocked, or has blocked you'),
  requestNotFound: () => new DomainError('request_not_found', 'There is no such friend request'),
  conversationNotFound: () => new DomainError('conversation_not_found', 'No such conversation'),
  notAMember: () => new DomainError('not_a_member', 'You are not a member of this conversation'),
  alreadyAMember: () => new DomainError('already_a_member', 'This user is already a member'),
  notAllowedForRole: (message: string) => new DomainError('not_allowed_for_role', message),
  groupEnded: () => new DomainError('group_ended', 'This group has ended'),
  notAGroup: () => new DomainError('validation_failed', 'This is a direct conversation, not a group'),
  /** Input that breaks a rule (a group name, a member count), naming the field at fault. */
  invalid: (message: string, field: string) => new DomainError('validation_failed', message, field),
};

import { AppError } from '../http/app-error.ts';

/** Every refusal of the social graph, each with its own code so the app can say exactly why. */
export const refuse = {
  userNotFound: () => new AppError(404, 'user_not_found', 'No such user'),
  self: () => new AppError(400, 'cannot_befriend_self', 'You cannot send a friend request to yourself'),
  alreadyFriends: () => new AppError(409, 'already_friends', 'You are already friends'),
  notFriends: (message = 'You are not friends with this user') => new AppError(403, 'not_friends', message),
  blocked: () => new AppError(403, 'blocked', 'This user is blocked, or has blocked you'),
  requestNotFound: () => new AppError(404, 'request_not_found', 'There is no such friend request'),
  conversationNotFound: () => new AppError(404, 'conversation_not_found', 'No such conversation'),
  notAMember: () => new AppError(403, 'not_a_member', 'You are not a member of this conversation'),
  alreadyAMember: () => new AppError(409, 'already_a_member', 'This user is already a member'),
  notAllowedForRole: (message: string) => new AppError(403, 'not_allowed_for_role', message),
  groupEnded: () => new AppError(409, 'group_ended', 'This group has ended'),
  notAGroup: () => new AppError(400, 'validation_failed', 'This is a direct conversation, not a group'),
};

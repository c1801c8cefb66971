// Core's form limits (client/limits.ts) mirror the Lexicons; each module
// checks its own limits in its folder.
import { LIMITS } from '../src/client/limits';
import { describeLimits, input, record } from './lexicons';

describeLimits('LIMITS mirror the Lexicons', LIMITS, {
  sphereName: [
    ['sphere.json', record('name')],
    ['sphere/createSphere.json', input('name')],
    ['sphere/updateSphere.json', input('name')],
  ],
  sphereSlug: [
    ['sphere.json', record('slug')],
    ['sphere/createSphere.json', input('slug')],
  ],
  sphereDescription: [
    ['sphere.json', record('description')],
    ['sphere/createSphere.json', input('description')],
  ],
  moderationReason: [
    ['moderation.json', record('reason')],
    ['sphere/moderate.json', input('reason')],
    ['instance/setSphereStanding.json', input('reason')],
  ],
  inviteMember: [['sphere/inviteMember.json', input('member')]],
  inviteCode: [
    ['sphere/createSphere.json', input('inviteCode')],
    ['instance/revokeInviteCode.json', input('code')],
  ],
  inviteNote: [['instance/createInviteCode.json', input('note')]],
  tokenName: [['auth/createToken.json', input('name')]],
});

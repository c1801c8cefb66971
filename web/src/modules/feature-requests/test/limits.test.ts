// The board's form limits (../limits.ts) mirror its Lexicons.
import { describeLimits, input, param, record } from '../../../../test/lexicons';
import { BOARD_LIMITS } from '../limits';

describeLimits('BOARD_LIMITS mirror the Lexicons', BOARD_LIMITS, {
  requestTitle: [
    ['featureRequest.json', record('title')],
    ['featureRequest/createRequest.json', input('title')],
    ['featureRequest/updateRequest.json', input('title')],
  ],
  requestDescription: [
    ['featureRequest.json', record('description')],
    ['featureRequest/createRequest.json', input('description')],
  ],
  commentText: [
    ['featureRequestComment.json', record('text')],
    ['featureRequest/createComment.json', input('text')],
  ],
  statusNote: [
    ['featureRequestStatus.json', record('note')],
    ['featureRequest/setStatus.json', input('note')],
  ],
  searchQuery: [['featureRequest/listRequests.json', param('q')]],
});

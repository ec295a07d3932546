// Governance > Teams.
import { renderEntities } from './entities.js';

export function render(root) {
  return renderEntities(root, 'team');
}

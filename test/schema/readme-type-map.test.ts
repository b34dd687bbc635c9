/** The README's type-mapping table is the one the code uses (lib/schema/type-map.ts), word for word. */
import fs from 'fs';
import path from 'path';
import { typeMapMarkdown } from '../../lib/schema/type-map';

test('README.md shows the type map the code maps with', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  expect(readme).toContain(typeMapMarkdown());
});

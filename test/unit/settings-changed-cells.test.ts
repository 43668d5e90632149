/**
 * Which per-issue-type cells a table edit changed, so the settings page drops the save's refusals there (a
 * refusal is about the text the cell held) and keeps the others.
 */
import {
  cellPath,
  changedCells,
  newRow,
  typeErrorKey,
  type TypeRow,
} from '../../static/settings/src/per-type-rows';

function row(type: string, maxIdleDays = '', maxSprintsCarried = ''): TypeRow {
  const r = newRow(type);
  r.values = { maxIdleDays, maxSprintsCarried, unlinkedMaxAgeDays: '' };
  return r;
}

describe('changedCells', () => {
  it('names only the cell whose text changed', () => {
    const bug = row('Bug', '0', '3');
    const story = row('Story', '5');
    const after = [{ ...bug, values: { ...bug.values, maxIdleDays: '30' } }, story];
    expect(changedCells([bug, story], after)).toEqual([cellPath('Bug', 'maxIdleDays')]);
  });

  it('names nothing when nothing changed', () => {
    const bug = row('Bug', '0');
    expect(changedCells([bug], [bug])).toEqual([]);
  });

  it('names every cell of a row renamed or removed, under its old name', () => {
    const bug = row('Bug', '0');
    const story = row('Story', '5');
    const every = (r: TypeRow) => [
      typeErrorKey(r),
      cellPath(r.type, 'maxIdleDays'),
      cellPath(r.type, 'maxSprintsCarried'),
      cellPath(r.type, 'unlinkedMaxAgeDays'),
    ];
    expect(changedCells([bug, story], [{ ...bug, type: 'Bugs' }, story])).toEqual(every(bug));
    expect(changedCells([bug, story], [story])).toEqual(every(bug));
  });

  it('names nothing for a row added: no save has judged it', () => {
    const bug = row('Bug', '0');
    expect(changedCells([bug], [bug, row('Task')])).toEqual([]);
  });
});

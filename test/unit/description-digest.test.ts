import { descriptionDigest } from '../../src/domain/description-digest';

const doc = (content: unknown[]) => ({ type: 'doc', version: 1, content });
const para = (text: string, marks?: unknown[]) => ({
  type: 'paragraph',
  content: [{ type: 'text', text, ...(marks ? { marks } : {}) }],
});

describe('descriptionDigest', () => {
  it('is the same for the same description, whatever the order of its keys', () => {
    const a = {
      version: 1,
      type: 'doc',
      content: [{ content: [{ text: 'Hi', type: 'text' }], type: 'paragraph' }],
    };
    expect(descriptionDigest(a)).toBe(descriptionDigest(doc([para('Hi')])));
  });

  it('tells apart a change of text, of formatting only, and of nothing to something', () => {
    const plain = descriptionDigest(doc([para('Shoppers lose their cart')]));
    expect(descriptionDigest(doc([para('Shoppers lose their carts')]))).not.toBe(plain);
    expect(
      descriptionDigest(
        doc([para('Shoppers lose their cart', [{ type: 'link', attrs: { href: 'https://x.example' } }])]),
      ),
    ).not.toBe(plain);
    expect(descriptionDigest(null)).not.toBe(descriptionDigest(''));
    expect(descriptionDigest(null)).not.toBe(descriptionDigest(doc([])));
  });

  it('is short, whatever the size of the description', () => {
    const long = doc(Array.from({ length: 2_000 }, (_, i) => para(`Line ${i} of a long specification.`)));
    expect(descriptionDigest(long)).toMatch(/^[0-9a-z]+-[0-9a-f]{16}$/);
    expect(descriptionDigest(long).length).toBeLessThanOrEqual(40);
  });
});

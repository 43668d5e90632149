/**
 * The recipe detector reads English. A text in another European language is told by its small words and gets no
 * recipe verdict, rather than one from words the model cannot read; English texts that carry names looking like
 * those words (an OS, MIT, DES, Los Angeles, a ".com" address) stay English.
 */
import { readsAsAnotherLanguage } from '../../src/domain/another-language';
import { detectRecipe } from '../../src/domain/recipe-detector';

describe('telling a text in another language', () => {
  it.each([
    ['German', 'Kunden verlieren ihren Warenkorb'],
    ['German, longer', 'Beim Bezahlen bricht der Vorgang ab, wenn die Karte nicht hinterlegt ist.'],
    ['French', 'Les clients perdent leur panier'],
    ['French, longer', 'Les utilisateurs ne trouvent pas le bouton pour exporter leurs données.'],
    ['Spanish', 'Los clientes pierden su carrito cuando cambian de página'],
    ['Dutch', 'Klanten verliezen hun winkelwagen'],
    ['Portuguese', 'Os clientes não conseguem pagar pelo aplicativo'],
    ['Italian', 'Gli utenti non trovano questo pulsante nella pagina'],
    ['Japanese', 'カート離脱率を40%から30%に下げる。'],
    ['Chinese, with an English name', '用户在 Checkout 页面放弃购物车，流失率从40%降到30%'],
    ['Russian', 'Покупатели теряют корзину при оплате картой'],
    ['Korean', '장바구니 이탈률을 40%에서 30%로 줄인다'],
  ])('reads %s as another language', (_language, text) => {
    expect(readsAsAnotherLanguage(text)).toBe(true);
  });

  it.each([
    'Implement os::fsync',
    'Non-Tabbed content re-design',
    'Add DES encryption to the login page',
    'Relicense the parser under MIT',
    'Shoppers in Los Angeles see the wrong tax',
    'REST Document Resource Definition\nhttp://corp.wiki.example.com/display/WP/Simplified+REST',
    'Make the button blue, top right',
    'Audit log',
    'Add AUX input toggle',
    'Add SUS score column',
    'DAS storage dashboard',
    'Nightly export EST timestamp column',
    'Make the “保存” button blue, top right, on the Tokyo store page',
    'Rename the Ω unit label in the resistance chart',
  ])('reads "%s" as English (or as nothing else)', (text) => {
    expect(readsAsAnotherLanguage(text)).toBe(false);
  });
});

describe('the recipe verdict of a text in another language', () => {
  it.each([
    'Kunden verlieren ihren Warenkorb',
    'Les clients perdent leur panier',
    'Los clientes pierden su carrito cuando cambian de página',
    'Klanten verliezen hun winkelwagen',
    'カート離脱率を40%から30%に下げる。',
  ])('gives none for "%s"', (summary) => {
    const verdict = detectRecipe({ summary, description: null });
    expect({ isRecipe: verdict.isRecipe, reasons: verdict.reasons }).toEqual({
      isRecipe: false,
      reasons: [],
    });
  });

  it('still flags an English recipe, one with an acronym that spells a foreign word too', () => {
    expect(detectRecipe({ summary: 'Make the button blue, top right' }).isRecipe).toBe(true);
    expect(detectRecipe({ summary: 'Add AUX input toggle' }).isRecipe).toBe(true);
  });
});

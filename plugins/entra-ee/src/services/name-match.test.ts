// The candidate threshold is chosen on labelled pairs: precision and recall at CANDIDATE_THRESHOLD.
import t from 'tap';
import fixtures from './name-match.fixtures.json' with { type: 'json' };
import { CANDIDATE_THRESHOLD, nameSimilarity, normalizeCompanyName, rankByName } from './name-match.js';

const pairs = fixtures.pairs as [string, string, boolean][];

t.test('normalisation drops case, accents, punctuation and trailing legal suffixes', async (t) => {
  t.equal(normalizeCompanyName('Müller Engineering GmbH'), 'muller engineering');
  t.equal(normalizeCompanyName('Smith & Jones Law, LLP'), 'smith and jones law');
  t.equal(normalizeCompanyName('Northwind Traders Pty Ltd'), 'northwind traders');
  t.equal(normalizeCompanyName("St. Mary's Hospital Inc."), 'st marys hospital');
  t.equal(normalizeCompanyName('Co Op Foods Co'), 'co op foods', 'a suffix word inside the name stays');
  t.equal(normalizeCompanyName('LLC'), 'llc', 'a name that is only a suffix is kept');
});

t.test(`precision and recall at the chosen threshold ${CANDIDATE_THRESHOLD}`, async (t) => {
  t.ok(pairs.length >= 50, `${pairs.length} labelled pairs`);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const [a, b, same] of pairs) {
    const candidate = nameSimilarity(a, b) >= CANDIDATE_THRESHOLD;
    if (candidate && same) tp++;
    else if (candidate && !same) fp++;
    else if (!candidate && same) fn++;
  }
  const precision = tp / (tp + fp);
  const recall = tp / (tp + fn);
  t.comment(`threshold ${CANDIDATE_THRESHOLD}: precision ${precision.toFixed(2)}, recall ${recall.toFixed(2)} (${tp} true, ${fp} false candidates, ${fn} missed)`);
  t.ok(precision >= 0.95, `precision ${precision.toFixed(2)}`);
  t.ok(recall >= 0.9, `recall ${recall.toFixed(2)}`);
});

t.test('ranking puts the closest client first and leaves out the unrelated', async (t) => {
  const clients = ['Contoso Law', 'Contoso Limited', 'Fabrikam', 'Contoso Dental Group'];
  const ranked = rankByName('Contoso Ltd', clients, (c) => c);
  t.same(ranked.map((r) => r.item), ['Contoso Limited']);
  t.equal(ranked[0].score, 1);
  t.same(rankByName('Nothing Alike', clients, (c) => c), []);
});

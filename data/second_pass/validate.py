import pandas as pd, glob
base = '/work/main/data/second_pass'
for p in sorted(glob.glob(f'{base}/**/*.csv', recursive=True)):
    df = pd.read_csv(p, encoding='utf-8')
    print(f'{p[len(base)+1:]:28s} rows={len(df):4d} cols={list(df.columns)}')
s = pd.read_csv(f'{base}/nerve/studies.csv'); j = pd.read_csv(f'{base}/nerve/jbi.csv')
cnt = j.groupby('study_id').item.nunique()
assert set(cnt.index) == set(s.study_id) and (cnt == 13).all() and len(j) == 13 * len(s)
assert set(j.answer) <= {'yes', 'no', 'unclear', 'not_applicable'}
assert s.n_animals.sum() == 514
a = pd.read_csv(f'{base}/aasc/trials.csv')
assert len(a) == 22 and a.study_id.is_unique and set(a.risk_of_bias) <= {'Low', 'Moderate', 'High'}
ev = pd.read_csv(f'{base}/ev/trials.csv'); assert ev.nct_id.is_unique
print('OK: every nerve study has 13 JBI rows; all files parse')

"""Sanity checks for data/aasc (run: python3 sanity_check.py)."""
import pandas as pd, os
D=os.path.dirname(os.path.abspath(__file__))
t=pd.read_csv(f'{D}/trials.csv'); ind=pd.read_csv(f'{D}/indications.csv')
print('trials:',len(t),'| unique ids:',t.study_id.is_unique)
print('sum n_patients:',t.n_patients.sum(),'(review: 953) | sum n_aasc:',t.n_aasc.sum(),'(Table 2: 535)')
print('risk_of_bias:',t.risk_of_bias.value_counts().to_dict(),'(review: Low 7, Moderate 9, High 6)')
print('rob_tool:',t.rob_tool.value_counts().to_dict(),'(review: RoB 2 nine, ROBINS-I 13)')
print('randomized:',t.randomized.value_counts(dropna=False).to_dict(),'controlled:',t.controlled.value_counts(dropna=False).to_dict(),'blinded:',t.blinded.value_counts(dropna=False).to_dict())
ids=set(t.study_id)
for f in ['outcomes_binary','adverse_events']:
    d=pd.read_csv(f'{D}/{f}.csv'); bad=set(d.study_id)-ids
    print(f,'rows',len(d),'unknown study_ids:',bad or 'none','| trials without rows:',sorted(ids-set(d.study_id)) or 'none')
for f in ['trials','indications','outcomes_binary','adverse_events','prisma','claims']:
    d=pd.read_csv(f'{D}/{f}.csv',dtype=str,keep_default_na=False)
    assert {'source','location','quote','note'}<=set(d.columns),f
    assert (d.source=='004_5ecdff063676c45c.txt').all(),f
assert set(t.indication_group)<=set(ind.indication)
g=t.groupby('indication_group').agg(n_studies=('study_id','count'),n_patients=('n_patients','sum'),n_aasc=('n_aasc','sum'))
m=ind[ind.row_type=='indication'].set_index('indication')[['n_studies','n_patients','n_aasc']].merge(g.add_suffix('_trials'),left_index=True,right_index=True,how='left')
m['diff_aasc']=m.n_aasc_trials-m.n_aasc
print(m.to_string())
tot=ind[ind.row_type=='total'].iloc[0]; s=ind[ind.row_type=='indication']
print('Table 2 column sums vs Total row:',{c:(int(s[c].sum()),int(tot[c])) for c in ['n_studies','n_patients','n_aasc','n_benefit','n_no_benefit']})
print('benefit+no_benefit==n_aasc per row:',(s.n_benefit+s.n_no_benefit==s.n_aasc).all())
p=pd.read_csv(f'{D}/prisma.csv').set_index('stage')['count']
print('PRISMA 62+8+4=',p['records_identified_pubmed']+p['records_identified_embase']+p['records_identified_web_of_science'],'vs',p['records_identified_databases'],
      '| 74-4=',p['records_identified_databases']-p['duplicates_removed'],'vs screened',p['records_screened'],
      '| 70-24-16-8=',p['records_screened']-p['records_excluded_reviews']-p['records_excluded_background']-p['records_excluded_wrong_design'],'vs included',p['studies_included'])
o=pd.read_csv(f'{D}/outcomes_binary.csv')
for c1,c2 in [('events_aasc','n_aasc'),('events_control','n_control')]:
    bad=o[(o[c1]>o[c2])]; assert bad.empty, bad
print('years',t.year.min(),'-',t.year.max(),'| 2022-2024:',(t.year>=2022).sum())
print('done')

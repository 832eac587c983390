from qogam.funding.views import applicant, awards, committee, effect, expert, operator, public

app_name = "funding"

urlpatterns = [
    *public.urlpatterns,
    *applicant.urlpatterns,
    *expert.urlpatterns,
    *operator.urlpatterns,
    *committee.urlpatterns,
    *effect.urlpatterns,
    *awards.urlpatterns,
]

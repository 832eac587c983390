from qogam.funding.views import applicant, committee, expert, operator, public

app_name = "funding"

urlpatterns = [
    *public.urlpatterns,
    *applicant.urlpatterns,
    *expert.urlpatterns,
    *operator.urlpatterns,
    *committee.urlpatterns,
]

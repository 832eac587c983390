from qogam.funding.views import (
    applicant,
    awards,
    committee,
    effect,
    expert,
    operator,
    public,
    topics,
    transparency,
)

app_name = "funding"

urlpatterns = [
    *public.urlpatterns,
    *applicant.urlpatterns,
    *expert.urlpatterns,
    *operator.urlpatterns,
    *committee.urlpatterns,
    *effect.urlpatterns,
    *awards.urlpatterns,
    *topics.urlpatterns,
    *transparency.urlpatterns,
]

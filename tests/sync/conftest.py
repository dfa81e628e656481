import pytest

from api.models import ApiClient


@pytest.fixture
def national_node(settings):
    settings.NODE_ROLE = "national"
    settings.NODE_PROVINCE = ""
    return settings


@pytest.fixture
def provincial_node(settings):
    settings.NODE_ROLE = "provincial"
    settings.NODE_PROVINCE = "110000"
    return settings


@pytest.fixture
def beijing_client(beijing):
    return ApiClient.objects.create(province=beijing, name="北京市毕业去向登记系统")


@pytest.fixture
def shanghai_client(shanghai):
    return ApiClient.objects.create(province=shanghai, name="上海市毕业去向登记系统")

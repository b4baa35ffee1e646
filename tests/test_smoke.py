def test_it_loads_both_seed_fixtures(seed):
    assert set(seed) == {"PSSP", "ICT", "HERTS"}

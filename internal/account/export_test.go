package account

// DummyHashForTest exposes the dummy hash to the package's tests.
const DummyHashForTest = dummyHash

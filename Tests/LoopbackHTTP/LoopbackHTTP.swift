// The loopback HTTP test server lands with the model client tests.

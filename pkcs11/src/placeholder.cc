// placeholder until pkcs11 lands

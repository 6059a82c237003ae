// placeholder until keystore lands

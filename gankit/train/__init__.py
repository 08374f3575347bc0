"""Training: THE one GAN step (gan.py), THE one outer loop (loop.py), ONE job driver for every task
(driver.py; GAN and classifier tasks in gan_job.py and classifier.py), and what plugs into them.

A package of its own so that its modules import as gankit.train.* everywhere (a doctest collector
would otherwise import train/tensorboard.py as a top-level `tensorboard`, hiding the real package).
"""
